//! Preset files: parsing, validation and the validated settings types.

pub mod types;
