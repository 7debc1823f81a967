//! `grid.csv` of 2-D runs: the network's decision function on a square
//! grid over the plane, with the infinite-width NTK and GP predictions.

use std::path::Path;

use ndarray::{Array2, s};

use crate::kernels::{NtkPredictor, analytic_kernels, analytic_kernels_diag, gp_posterior};
use crate::train::{TrainError, Trainer};

use super::HeadlessError;
use super::files::AtomicFile;
use super::number::format_float;

/// Writes `x1, x2, network, ntk_limit, gp_mean` (first output) for every
/// grid point of a 2-D run, at the trainer's current step. Other runs have
/// no grid, and no file is written.
///
/// `ntk_limit` is the `t = inf` NTK prediction `Theta_* Theta^-1 Y` and
/// `gp_mean` the NNGP posterior mean `K_* (K + T0 I)^-1 Y`, as in
/// `predictions.csv`.
pub fn write_grid(trainer: &Trainer, path: &Path) -> Result<(), HeadlessError> {
    let (Some(view), Some(inputs)) = (trainer.plane_view(), trainer.plane_inputs()) else {
        return Ok(());
    };
    let (ntk_limit, gp_mean) = overlays(trainer, inputs).map_err(HeadlessError::Train)?;
    let io = |error: std::io::Error| HeadlessError::io(path, error);
    let mut file = AtomicFile::create(path).map_err(io)?;
    {
        let mut writer = csv::Writer::from_writer(file.writer());
        let csv_error = |error: csv::Error| HeadlessError::io(path, std::io::Error::other(error));
        writer
            .write_record(["x1", "x2", "network", "ntk_limit", "gp_mean"])
            .map_err(csv_error)?;
        for (row, network) in view.values.iter().enumerate() {
            let record = [
                inputs[[row, 0]],
                inputs[[row, 1]],
                *network,
                ntk_limit[[row, 0]],
                gp_mean[[row, 0]],
            ];
            writer
                .write_record(record.map(format_float))
                .map_err(csv_error)?;
        }
        writer.flush().map_err(io)?;
    }
    file.commit().map_err(io)
}

/// NTK limit and GP mean on the grid inputs, `G x C` each.
fn overlays(
    trainer: &Trainer,
    inputs: &Array2<f64>,
) -> Result<(Array2<f64>, Array2<f64>), TrainError> {
    let preset = trainer.preset();
    let data = trainer.dataset();
    let x = data.x_train.view();
    let train = analytic_kernels(&preset.model, x, x);
    let cross = analytic_kernels(&preset.model, inputs.view(), x);
    let (nngp_diag, _) = analytic_kernels_diag(&preset.model, inputs.view());
    let ntk = NtkPredictor::new(
        &train.ntk,
        &cross.ntk,
        &data.y_train,
        preset.train.learning_rate,
    )?;
    let gp = gp_posterior(
        &train.nngp,
        &cross.nngp,
        &nngp_diag,
        &data.y_train,
        preset.train.temperature,
    )?;
    let first = |m: &Array2<f64>| m.slice(s![.., 0..1]).to_owned();
    Ok((first(&ntk.predict_limit()), first(&gp.mean)))
}
