//! Infinite-width kernels (NNGP, NTK) and kernel-regression predictors.
