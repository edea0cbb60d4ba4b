"""Reading files people give us: package safety, placements files, existing workbooks and their inputs."""
