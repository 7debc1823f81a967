//! `summary.json`: the resolved settings, the run length and speed, the
//! final metrics and the theory's own figures.

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::data::Task;
use crate::train::Trainer;
use crate::train::snapshot::{METRIC_NAMES, layer_metric_names};

use super::HeadlessError;
use super::files::write_atomic;
use super::run::RunReport;

pub struct Summary(Value);

impl Summary {
    pub fn new(trainer: &Trainer, report: &RunReport) -> Self {
        let preset = trainer.preset();
        let mut last = Map::new();
        for (name, value) in METRIC_NAMES.iter().zip(report.last.values) {
            last.insert((*name).into(), json!(value));
        }
        if let Some(accuracy) = report.last.test_accuracy {
            last.insert("test_accuracy".into(), json!(accuracy));
        }
        if let Some(alignment) = report.last.teacher_alignment {
            last.insert("teacher_alignment".into(), json!(alignment));
        }
        let layer_names = layer_metric_names(preset.model.depth);
        for (name, value) in layer_names
            .into_iter()
            .zip(report.last.layer_metric_values())
        {
            last.insert(name, json!(value));
        }
        let info = trainer.info();
        let numerics = &info.numerics;
        let divergence = report
            .divergence
            .as_ref()
            .map(|(step, reason)| json!({ "step": step, "reason": reason }));
        // The class names in output order, which the class columns of
        // predictions.csv index; null for regression.
        let classes = match &trainer.dataset().task {
            Task::Classification { labels } => json!(labels),
            Task::Regression => Value::Null,
        };
        Summary(json!({
            "preset": preset.name,
            "settings": preset,
            "gamma": info.gamma,
            "steps": report.steps,
            "steps_per_second": report.steps_per_second,
            "classes": classes,
            "final": Value::Object(last),
            "theory": {
                "nngp_accuracy": info.nngp_accuracy,
                "ntk_accuracy": info.ntk_accuracy,
                "ntk_condition": numerics.ntk_condition,
                "ntk_min_eigenvalue": numerics.ntk_min_eigenvalue,
                "ntk_max_eigenvalue": numerics.ntk_max_eigenvalue,
                "jitter": numerics.jitter,
                "max_stable_learning_rate": numerics.max_stable_learning_rate,
            },
            "diverged": divergence,
            "interrupted": report.interrupted,
        }))
    }

    pub fn value(&self) -> &Value {
        &self.0
    }
}

pub fn write_summary(summary: &Summary, path: &Path) -> Result<(), HeadlessError> {
    let mut text = serde_json::to_string_pretty(summary.value()).unwrap_or_default();
    text.push('\n');
    write_atomic(path, text.as_bytes()).map_err(|source| HeadlessError::io(path, source))
}
