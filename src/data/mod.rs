//! Datasets: synthetic generators and the bundled handwritten digits.

pub mod dataset;
