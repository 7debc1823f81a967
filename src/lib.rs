//! lazyrich: train wide two-layer networks and compare them with their
//! infinite-width theory (NNGP posterior, NTK prediction).
//!
//! The numeric modules (`model`, `kernels`, `train`) never touch the terminal;
//! the TUI (`app`, `ui`) and the headless commands (`headless`) are two front
//! ends over the same training API.

pub mod app;
pub mod config;
pub mod data;
pub mod export;
pub mod headless;
pub mod kernels;
pub mod logging;
pub mod model;
pub mod train;
pub mod ui;
