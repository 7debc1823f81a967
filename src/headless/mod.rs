//! Headless commands: run, presets, check; CSV and JSON writers.
