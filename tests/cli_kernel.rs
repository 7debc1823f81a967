//! `lazyrich kernel` end to end: files, shapes, symmetry, values, errors and exit codes.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use ndarray::Array2;
use predicates::str::contains;

use lazyrich::config::load_preset;
use lazyrich::config::types::ModelConfig;
use lazyrich::kernels::analytic_kernels;

const TRAIN: &str = "x1,x2\n0.5,-1.0\n1.5,0.25\n-2.0,3.0\n0,0\n0.5,-1.0\n";
const TEST: &str = "0.1,0.2\n-4,1e-3\n7,2\n";

fn lazyrich() -> Command {
    common::lazyrich_logging_to("cli-kernel-test")
}

fn write(dir: &Path, name: &str, contents: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    fs::write(&path, contents).expect("write test input");
    path
}

/// Parses a headerless CSV matrix written by the command.
fn read_matrix(path: &Path) -> Array2<f64> {
    let text =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let rows: Vec<Vec<f64>> = text
        .lines()
        .map(|line| {
            line.split(',')
                .map(|cell| cell.parse().expect("number"))
                .collect()
        })
        .collect();
    let columns = rows[0].len();
    assert!(rows.iter().all(|row| row.len() == columns), "ragged output");
    Array2::from_shape_fn((rows.len(), columns), |(i, j)| rows[i][j])
}

#[test]
fn kernel_writes_symmetric_train_kernels() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = write(dir.path(), "x.csv", TRAIN);
    let out = dir.path().join("out");
    lazyrich()
        .args(["kernel", "--inputs"])
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stderr(contains("5 x 5"));

    for name in ["nngp.csv", "ntk.csv"] {
        let matrix = read_matrix(&out.join(name));
        assert_eq!(matrix.dim(), (5, 5), "{name}");
        assert_eq!(matrix, matrix.t(), "{name} is not symmetric");
        assert!(matrix.diag().iter().all(|&v| v > 0.0), "{name} diagonal");
        // Rows 0 and 4 are the same input.
        assert_eq!(matrix.row(0), matrix.row(4), "{name} duplicated input");
    }
    assert!(!out.join("nngp_test.csv").exists());
    assert!(!out.join("ntk_test.csv").exists());
}

#[test]
fn kernel_writes_cross_kernels_for_test_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = write(dir.path(), "x.csv", TRAIN);
    let test = write(dir.path(), "z.csv", TEST);
    let out = dir.path().join("out");
    lazyrich()
        .args(["kernel", "rich-1d", "--inputs"])
        .arg(&inputs)
        .arg("--test")
        .arg(&test)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stderr(contains("3 x 5 test kernels"));

    for name in ["nngp.csv", "ntk.csv"] {
        assert_eq!(read_matrix(&out.join(name)).dim(), (5, 5), "{name}");
    }
    for name in ["nngp_test.csv", "ntk_test.csv"] {
        assert_eq!(read_matrix(&out.join(name)).dim(), (3, 5), "{name}");
    }
}

#[test]
fn kernel_output_equals_analytic_kernels() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = write(dir.path(), "x.csv", TRAIN);
    let test = write(dir.path(), "z.csv", TEST);
    let out = dir.path().join("out");
    let overrides = [
        "model.activation=gelu",
        "model.sigma_w=1.7",
        "model.sigma_b=0.3",
        "model.sigma_a=0.8",
    ];
    let mut command = lazyrich();
    command.args(["kernel", "--inputs"]).arg(&inputs);
    command.arg("--test").arg(&test).arg("--out").arg(&out);
    for setting in overrides {
        command.args(["--set", setting]);
    }
    command.assert().success();

    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    let model = load_preset("lazy-1d", &overrides).unwrap().model;
    let x = ndarray::array![
        [0.5, -1.0],
        [1.5, 0.25],
        [-2.0, 3.0],
        [0.0, 0.0],
        [0.5, -1.0]
    ];
    let z = ndarray::array![[0.1, 0.2], [-4.0, 1e-3], [7.0, 2.0]];
    let train = analytic_kernels(&model, x.view(), x.view());
    let cross = analytic_kernels(&model, z.view(), x.view());
    // The files hold round-trip decimals, so the values must be equal bit for bit.
    assert_eq!(read_matrix(&out.join("nngp.csv")), train.nngp);
    assert_eq!(read_matrix(&out.join("ntk.csv")), train.ntk);
    assert_eq!(read_matrix(&out.join("nngp_test.csv")), cross.nngp);
    assert_eq!(read_matrix(&out.join("ntk_test.csv")), cross.ntk);
}

#[test]
fn kernel_output_honours_depth() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = write(dir.path(), "x.csv", TRAIN);
    let out = dir.path().join("out");
    let overrides = [
        "model.activation=relu",
        "model.depth=3",
        "model.sigma_b=0.4",
    ];
    let mut command = lazyrich();
    command
        .args(["kernel", "--inputs"])
        .arg(&inputs)
        .arg("--out")
        .arg(&out);
    for setting in overrides {
        command.args(["--set", setting]);
    }
    command.assert().success();

    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    let model = load_preset("lazy-1d", &overrides).unwrap().model;
    assert_eq!(model.depth, 3);
    let x = ndarray::array![
        [0.5, -1.0],
        [1.5, 0.25],
        [-2.0, 3.0],
        [0.0, 0.0],
        [0.5, -1.0]
    ];
    let deep = analytic_kernels(&model, x.view(), x.view());
    // Bit for bit, as in kernel_output_equals_analytic_kernels.
    assert_eq!(read_matrix(&out.join("nngp.csv")), deep.nngp);
    assert_eq!(read_matrix(&out.join("ntk.csv")), deep.ntk);
    // The file is not the one-layer kernel: the depth reached the computation.
    let shallow = analytic_kernels(&ModelConfig { depth: 1, ..model }, x.view(), x.view());
    assert_ne!(read_matrix(&out.join("ntk.csv")), shallow.ntk);
}

#[test]
fn kernel_reports_bad_cell_with_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = write(dir.path(), "bad.csv", "x1,x2\n1,2\n3,4\n5,seven\n");
    let out = dir.path().join("out");
    lazyrich()
        .args(["kernel", "--inputs"])
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("bad.csv"))
        .stderr(contains("row 4, column 2"))
        .stderr(contains("\"seven\" is not a finite number"));
    assert!(!out.join("nngp.csv").exists(), "nothing is written");
}

#[test]
fn kernel_rejects_invalid_input_files() {
    let dir = tempfile::tempdir().unwrap();
    let train = write(dir.path(), "x.csv", TRAIN);
    let cases = [
        (
            "ragged.csv",
            "1,2\n3\n",
            "row 2: found 1 columns, expected 2",
        ),
        ("empty.csv", "x1,x2\n", "contains no input rows"),
        (
            "wide.csv",
            "1,2,3\n",
            "has 3 columns but the training inputs",
        ),
    ];
    for (name, contents, message) in cases {
        let path = write(dir.path(), name, contents);
        let mut command = lazyrich();
        // The third case is a test file whose dimension differs from the training inputs.
        if name == "wide.csv" {
            command
                .args(["kernel", "--inputs"])
                .arg(&train)
                .arg("--test");
        } else {
            command.args(["kernel", "--inputs"]);
        }
        command.arg(&path).arg("--out").arg(dir.path().join("out"));
        command.assert().code(2).stderr(contains(message));
    }
}

#[test]
fn kernel_rejects_missing_file_and_bad_setting() {
    let dir = tempfile::tempdir().unwrap();
    lazyrich()
        .args(["kernel", "--inputs"])
        .arg(dir.path().join("missing.csv"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(contains("cannot read"))
        .stderr(contains("missing.csv"));

    let inputs = write(dir.path(), "x.csv", TRAIN);
    lazyrich()
        .args(["kernel", "--set", "model.activation=swish", "--inputs"])
        .arg(&inputs)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(contains("\"leaky-relu\""));
}

#[test]
fn kernel_write_failure_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = write(dir.path(), "x.csv", TRAIN);
    // The output path is an existing regular file, so the folder cannot be created.
    let blocker = write(dir.path(), "not-a-folder", "");
    lazyrich()
        .args(["kernel", "--inputs"])
        .arg(&inputs)
        .arg("--out")
        .arg(&blocker)
        .assert()
        .code(1)
        .stderr(contains("cannot write"));
}
