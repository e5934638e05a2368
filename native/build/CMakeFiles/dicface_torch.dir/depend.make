# Empty dependencies file for dicface_torch.
# This may be replaced when dependencies are built.
