file(REMOVE_RECURSE
  "CMakeFiles/dft_missing_dependency_standin.dir/tests/standin.c.o"
  "CMakeFiles/dft_missing_dependency_standin.dir/tests/standin.c.o.d"
  "libtorch_cpu_standin.pdb"
  "libtorch_cpu_standin.so"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/dft_missing_dependency_standin.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
