"""Operations: commands that span apps (demo, import, worker) and the periodic-job scheduler."""
