/* Stand-in for a libtorch library: deleted after the build (see CMakeLists.txt). */
int dft_standin_value(void) { return 1; }
