# Empty dependencies file for dft_missing_dependency.
# This may be replaced when dependencies are built.
