//! `predictions.csv`: one row per test point with the target, the network
//! and every theory overlay.

use std::path::Path;

use ndarray::Array2;

use crate::config::types::Optimizer;
use crate::data::{Task, predicted_class};
use crate::train::Trainer;

use super::HeadlessError;
use super::files::{AtomicFile, commit_csv};
use super::number::format_float;

/// Inputs with at most this many dimensions are written out as columns.
const MAX_INPUT_COLUMNS: usize = 4;

/// Writes the test-set predictions of `trainer` at its current step.
pub fn write_predictions(trainer: &Trainer, path: &Path) -> Result<(), HeadlessError> {
    let data = trainer.dataset();
    let p = trainer.predictions();
    let langevin = trainer.preset().train.optimizer == Optimizer::Langevin;
    let outputs = data.outputs();
    let dims = data.input_dim();
    let suffix = |name: &str, c: usize| {
        if outputs == 1 {
            name.to_string()
        } else {
            format!("{name}_{c}")
        }
    };

    let mut header: Vec<String> = Vec::new();
    if dims <= MAX_INPUT_COLUMNS {
        header.extend((0..dims).map(|d| {
            if dims == 1 {
                "x".to_string()
            } else {
                format!("x{d}")
            }
        }));
    }
    let mut columns: Vec<(&str, &Array2<f64>)> =
        vec![("target", &data.y_test), ("network", &p.network)];
    if langevin {
        columns.push(("posterior_mean", &p.estimate));
    }
    if let Some(sd) = &p.sample_sd {
        columns.push(("posterior_sd", sd));
    }
    columns.extend([
        ("gp_mean", &p.gp_mean),
        ("ntk", &p.ntk),
        ("ntk_limit", &p.ntk_limit),
        ("linearized", &p.linearized),
    ]);
    for c in 0..outputs {
        header.extend(columns.iter().map(|(name, _)| suffix(name, c)));
    }
    header.push("gp_sd".into());
    let classification = matches!(data.task, Task::Classification { .. });
    if classification {
        header.extend(["class".into(), "predicted_class".into()]);
    }

    let file = AtomicFile::create(path).map_err(|source| HeadlessError::io(path, source))?;
    let mut writer = csv::Writer::from_writer(file);
    let csv_error = |e: csv::Error| HeadlessError::io(path, std::io::Error::other(e));
    writer.write_record(&header).map_err(csv_error)?;
    for q in 0..data.x_test.nrows() {
        let mut record: Vec<String> = Vec::with_capacity(header.len());
        if dims <= MAX_INPUT_COLUMNS {
            record.extend(data.x_test.row(q).iter().map(|&v| format_float(v)));
        }
        for c in 0..outputs {
            record.extend(columns.iter().map(|(_, m)| format_float(m[[q, c]])));
        }
        record.push(format_float(p.gp_sd[q]));
        if classification {
            record.push(data.test_class[q].to_string());
            // A row with a NaN output predicts no class: an empty cell.
            let predicted = predicted_class(p.estimate.row(q));
            record.push(predicted.map_or_else(String::new, |class| class.to_string()));
        }
        writer.write_record(&record).map_err(csv_error)?;
    }
    commit_csv(writer).map_err(|source| HeadlessError::io(path, source))
}
