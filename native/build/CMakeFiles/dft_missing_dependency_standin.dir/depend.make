# Empty dependencies file for dft_missing_dependency_standin.
# This may be replaced when dependencies are built.
