""""Double random, one public" inspections: inspector directory, tasks, draws and results."""
