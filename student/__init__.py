"""The compact student: U-Net, paired data set, losses, training and evaluation."""
