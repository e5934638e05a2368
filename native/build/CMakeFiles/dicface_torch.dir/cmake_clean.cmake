file(REMOVE_RECURSE
  "CMakeFiles/dicface_torch.dir/src/cpu_cache.cpp.o"
  "CMakeFiles/dicface_torch.dir/src/cpu_cache.cpp.o.d"
  "CMakeFiles/dicface_torch.dir/src/ops.cpp.o"
  "CMakeFiles/dicface_torch.dir/src/ops.cpp.o.d"
  "CMakeFiles/dicface_torch.dir/src/runtime.cpp.o"
  "CMakeFiles/dicface_torch.dir/src/runtime.cpp.o.d"
  "CMakeFiles/dicface_torch.dir/src/tensors.cpp.o"
  "CMakeFiles/dicface_torch.dir/src/tensors.cpp.o.d"
  "libdicface_torch.pdb"
  "libdicface_torch.so"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/dicface_torch.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
