"""The first minute of a new account: the optional "What do you enjoy?" step and the seeds it plants."""
