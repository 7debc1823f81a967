//! The evaluation grid of 2-D runs: a square grid over the data's bounding
//! box on which the network's decision function is drawn and written.

use std::sync::Arc;

use ndarray::{Array2, s};

use crate::data::{Dataset, grid};
use crate::model::{Architecture, Params, output_f, output_g};

/// Points per side of the grid, so the grid has `GRID_SIDE^2` inputs.
pub const GRID_SIDE: usize = 40;

/// The fixed part of a 2-D view: the grid coordinates and the training set.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaneLayout {
    /// Grid coordinates along the first input, increasing, `GRID_SIDE` values.
    pub x1: Vec<f64>,
    /// Grid coordinates along the second input, increasing.
    pub x2: Vec<f64>,
    /// Training points `(x1, x2, y)`, `y` the first target.
    pub points: Vec<(f64, f64, f64)>,
}

/// The network's first output on the grid at one step.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaneView {
    pub layout: Arc<PlaneLayout>,
    /// `values[i * x1.len() + j]` is the output at `(x1[j], x2[i])`.
    pub values: Vec<f64>,
}

/// Grid inputs of a 2-D run and `g_0` on them when the run is centred.
pub(super) struct PlaneGrid {
    pub layout: Arc<PlaneLayout>,
    /// `GRID_SIDE^2 x 2` inputs in the order of `PlaneView::values`.
    pub inputs: Array2<f64>,
    pub offset: Option<Array2<f64>>,
}

impl PlaneGrid {
    /// Builds the grid over the bounding box of the training and test
    /// inputs, widened by 10% on each side. Returns `None` unless the
    /// inputs have exactly two dimensions and at least one row.
    pub fn new(
        data: &Dataset,
        arch: &Architecture,
        params: &Params,
        centred: bool,
    ) -> Option<Self> {
        if data.input_dim() != 2 || data.x_train.nrows() == 0 {
            return None;
        }
        let axis = |column: usize| {
            let values = data
                .x_train
                .column(column)
                .into_iter()
                .chain(data.x_test.column(column))
                .copied()
                .filter(|x| x.is_finite());
            let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                (lo.min(x), hi.max(x))
            });
            let margin = 0.1 * (high - low).max(1e-6);
            grid(low - margin, high + margin, GRID_SIDE).to_vec()
        };
        let (x1, x2) = (axis(0), axis(1));
        let inputs = Array2::from_shape_fn((GRID_SIDE * GRID_SIDE, 2), |(row, column)| {
            let (i, j) = (row / GRID_SIDE, row % GRID_SIDE);
            if column == 0 { x1[j] } else { x2[i] }
        });
        let points = data
            .x_train
            .rows()
            .into_iter()
            .zip(data.y_train.column(0))
            .map(|(x, y)| (x[0], x[1], *y))
            .collect();
        let offset = centred.then(|| output_g(arch, params, inputs.view()));
        Some(PlaneGrid {
            layout: Arc::new(PlaneLayout { x1, x2, points }),
            inputs,
            offset,
        })
    }

    /// Evaluates the network's first output `f` on the grid.
    pub fn view(&self, arch: &Architecture, params: &Params) -> PlaneView {
        let f = output_f(arch, params, self.inputs.view(), self.offset.as_ref());
        PlaneView {
            layout: self.layout.clone(),
            values: f.slice(s![.., 0]).to_vec(),
        }
    }
}
