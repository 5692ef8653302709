"""The command line: arguments, exit codes and what is printed; nothing else."""
