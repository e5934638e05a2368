file(REMOVE_RECURSE
  "CMakeFiles/dft_missing_dependency.dir/tests/standin_user.c.o"
  "CMakeFiles/dft_missing_dependency.dir/tests/standin_user.c.o.d"
  "libdft_missing_dependency.pdb"
  "libdft_missing_dependency.so"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/dft_missing_dependency.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
