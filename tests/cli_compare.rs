//! `lazyrich run` on presets with `[[compare]]` runs: one subfolder per
//! run, the `runs.csv` index, the charts across runs and the exit codes.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;

fn lazyrich() -> Command {
    let mut command = Command::cargo_bin("lazyrich").expect("binary is built");
    let log = std::env::temp_dir().join("lazyrich-cli-test.log");
    command.env("LAZYRICH_LOG", log);
    command
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Rows of `runs.csv` as maps from column name to cell.
fn read_index(folder: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(folder.join("runs.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            header
                .iter()
                .zip(record.iter())
                .map(|(key, cell)| (key.to_string(), cell.to_string()))
                .collect()
        })
        .collect()
}

/// Writes a preset with compare runs `(label, set)` into `folder`, on the
/// 1-D sine at width 64 so that each run takes milliseconds.
fn write_compare_preset(folder: &Path, runs: &[(&str, &str)]) -> std::path::PathBuf {
    let mut text = String::from(
        "[data]\nkind = \"sine-1d\"\ntrain = 8\ntest = 20\n\
         [model]\nwidth = 64\n[train]\nsteps = 20\n",
    );
    for (label, set) in runs {
        text.push_str(&format!(
            "[[compare]]\nlabel = {label:?}\nset = [{set:?}]\n"
        ));
    }
    let path = folder.join("pair.toml");
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn compare_preset_trains_every_run() {
    let out = tempfile::tempdir().unwrap();
    lazyrich()
        .args(["run", "lazy-vs-rich", "--steps", "60"])
        .args(["--set", "model.width=256", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stderr(contains("standard: 60 steps at"))
        .stderr(contains("mean-field: 60 steps at"))
        .stderr(contains("runs.csv"));

    for (folder, scaling) in [("standard", "standard"), ("mean-field", "mean-field")] {
        let run = out.path().join(folder);
        for file in ["metrics.csv", "predictions.csv", "summary.json"] {
            assert!(run.join(file).is_file(), "{folder}/{file} is missing");
        }
        let summary = read_json(&run.join("summary.json"));
        assert_eq!(summary["steps"], 60, "{folder} steps");
        assert_eq!(summary["settings"]["model"]["scaling"], scaling);
        // The command line --set reaches every compare run.
        assert_eq!(summary["settings"]["model"]["width"], 256, "{folder} width");
    }
    assert!(
        !out.path().join("metrics.csv").exists(),
        "metrics.csv at the top"
    );

    let index = read_index(out.path());
    assert_eq!(index.len(), 2);
    assert_eq!(index[0]["label"], "standard");
    assert_eq!(index[0]["folder"], "standard");
    assert_eq!(index[1]["label"], "mean-field");
    assert_eq!(index[1]["folder"], "mean-field");
    assert_eq!(index[0]["diverged_at"], "");
    let change = |row: usize| index[row]["weight_change_w"].parse::<f64>().unwrap();
    // Mean-field weights move by an order-one fraction and standard ones by
    // a fraction of order N^-1/2 (1/16 at width 256), so a factor of 2
    // leaves a wide margin and still fails if both rows came from one run.
    assert!(
        change(1) > 2.0 * change(0),
        "weight_change_w: standard {}, mean-field {}",
        change(0),
        change(1)
    );
    let summary = read_json(&out.path().join("mean-field").join("summary.json"));
    let final_change = summary["final"]["weight_change_w"].as_f64().unwrap();
    assert_eq!(change(1), final_change, "index and summary.json disagree");
}

#[test]
fn compare_plot_draws_runs_and_combined_charts() {
    let out = tempfile::tempdir().unwrap();
    lazyrich()
        .args(["run", "lazy-vs-rich", "--steps", "40"])
        .args(["--set", "model.width=64", "--plot", "--out"])
        .arg(out.path())
        .assert()
        .success();
    for folder in ["standard", "mean-field"] {
        for chart in ["loss", "change", "kernel", "function"] {
            let path = out.path().join(folder).join(format!("{chart}.png"));
            assert!(path.is_file(), "{} is missing", path.display());
        }
    }
    let combined = [
        "train_loss",
        "weight_change_w",
        "feature_change",
        "kernel_distance",
        "function",
    ];
    for chart in combined {
        let svg = read(&out.path().join(format!("{chart}.svg")));
        for label in ["standard", "mean-field"] {
            assert!(svg.contains(label), "{chart}.svg has no line for {label}");
        }
        let png = fs::read(out.path().join(format!("{chart}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{chart}.png signature");
    }
}

#[test]
fn preset_without_compare_writes_no_index() {
    let out = tempfile::tempdir().unwrap();
    lazyrich()
        .args(["run", "lazy-1d", "--steps", "20", "--set", "model.width=64"])
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let mut names: Vec<String> = fs::read_dir(out.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // lazy-1d has 1-D inputs, so there is no grid.csv.
    let expected = ["metrics.csv", "predictions.csv", "summary.json"];
    assert_eq!(names, expected);
}

#[test]
fn compare_folders_stay_unique() {
    let folder = tempfile::tempdir().unwrap();
    let preset = write_compare_preset(
        folder.path(),
        &[("a b", "model.width=64"), ("a_b", "model.width=32")],
    );
    let out = folder.path().join("out");
    lazyrich()
        .arg("run")
        .arg(&preset)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let index = read_index(&out);
    assert_eq!(index[0]["label"], "a b");
    assert_eq!(index[0]["folder"], "a_b");
    assert_eq!(index[1]["label"], "a_b");
    assert_eq!(index[1]["folder"], "a_b-2");
    let width = |name: &str| {
        read_json(&out.join(name).join("summary.json"))["settings"]["model"]["width"].clone()
    };
    assert_eq!(width("a_b"), 64);
    assert_eq!(width("a_b-2"), 32);
}

#[test]
fn compare_divergence_exits_3_after_every_run() {
    let folder = tempfile::tempdir().unwrap();
    let preset = write_compare_preset(
        folder.path(),
        &[
            ("diverges", "train.learning_rate=50"),
            ("stable", "train.learning_rate=0.1"),
        ],
    );
    let out = folder.path().join("out");
    lazyrich()
        .arg("run")
        .arg(&preset)
        .args(["--steps", "500", "--out"])
        .arg(&out)
        .assert()
        .code(3)
        .stderr(contains("the run \"diverges\" diverged at step"));
    let index = read_index(&out);
    assert_eq!(index.len(), 2, "the run after the divergence was skipped");
    let step: u64 = index[0]["diverged_at"].parse().unwrap();
    assert!(step < 500, "diverged at step {step}");
    assert_eq!(index[1]["diverged_at"], "");
    assert_eq!(index[1]["steps"], "500");
}
