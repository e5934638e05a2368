file(REMOVE_RECURSE
  "CMakeFiles/dft_smoke.dir/tests/smoke.c.o"
  "CMakeFiles/dft_smoke.dir/tests/smoke.c.o.d"
  "dft_smoke"
  "dft_smoke.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/dft_smoke.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
