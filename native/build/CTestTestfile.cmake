# CMake generated Testfile for 
# Source directory: /work/main/native
# Build directory: /work/main/native/build
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(smoke "/work/main/native/build/dft_smoke")
set_tests_properties(smoke PROPERTIES  _BACKTRACE_TRIPLES "/work/main/native/CMakeLists.txt;40;add_test;/work/main/native/CMakeLists.txt;0;")
