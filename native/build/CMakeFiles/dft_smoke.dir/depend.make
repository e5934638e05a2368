# Empty dependencies file for dft_smoke.
# This may be replaced when dependencies are built.
