//! Optimisers, metrics and the training thread.

pub mod snapshot;
