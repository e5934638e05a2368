/* Depends on the deleted stand-in, so loading it fails the way a missing libtorch does. */
int dft_standin_value(void);
int dft_standin_user(void) { return dft_standin_value(); }
