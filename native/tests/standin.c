/* Stand-in for a libtorch library: NativeLibraryTest links standin_user.c against it, then deletes it. */
int dft_standin_value(void) { return 1; }
