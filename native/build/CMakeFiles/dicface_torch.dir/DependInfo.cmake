
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/native/src/cpu_cache.cpp" "CMakeFiles/dicface_torch.dir/src/cpu_cache.cpp.o" "gcc" "CMakeFiles/dicface_torch.dir/src/cpu_cache.cpp.o.d"
  "/work/main/native/src/ops.cpp" "CMakeFiles/dicface_torch.dir/src/ops.cpp.o" "gcc" "CMakeFiles/dicface_torch.dir/src/ops.cpp.o.d"
  "/work/main/native/src/runtime.cpp" "CMakeFiles/dicface_torch.dir/src/runtime.cpp.o" "gcc" "CMakeFiles/dicface_torch.dir/src/runtime.cpp.o.d"
  "/work/main/native/src/tensors.cpp" "CMakeFiles/dicface_torch.dir/src/tensors.cpp.o" "gcc" "CMakeFiles/dicface_torch.dir/src/tensors.cpp.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
