//! `lazyrich sweep --merge`: combines the folders of sharded sweeps into
//! one `sweep.csv`, summary and table, after checking that the shards
//! belong to the same sweep.

use std::path::{Path, PathBuf};

use super::HeadlessError;
use super::sweep::{Manifest, SweepFailure, metric_columns, write_outputs};
use super::sweep_grid::{SweepError, all_runs};
use super::sweep_table::{SweepRow, SweepTable};

/// Reads every folder's `sweep.json` and `sweep.csv`, checks that they
/// describe the same sweep (preset, overrides, grid, seeds, steps and shard
/// count) with no run twice, and writes the merged files into `out`.
///
/// # Errors
///
/// `SweepError::Merge` for an unreadable or inconsistent folder, a run in
/// two folders, a metric cell that is not a number, and, unless
/// `allow_partial`, for runs of the sweep that no folder contains (the
/// message lists them and the shards they belong to). With `allow_partial` the
/// missing runs are reported on stderr and left out.
pub fn merge(
    folders: &[PathBuf],
    out: &Path,
    allow_partial: bool,
) -> Result<SweepTable, SweepFailure> {
    let mut first: Option<Manifest> = None;
    let mut rows: Vec<SweepRow> = Vec::new();
    for folder in folders {
        let manifest = read_manifest(folder)?;
        if let Some(reference) = &first {
            check_same_sweep(reference, &manifest, folder)?;
        }
        let table = read_rows(folder, &manifest)?;
        for row in table {
            if rows.iter().any(|earlier| earlier.index == row.index) {
                return Err(merge_error(
                    folder,
                    format!("run {} is also in an earlier folder", row.index),
                ));
            }
            rows.push(row);
        }
        first.get_or_insert(manifest);
    }

    let Some(manifest) = first else {
        return Err(merge_error(out, "no folders to merge".to_string()));
    };
    rows.sort_by_key(|row| row.index);
    let missing = missing_runs(&manifest, &rows);
    if !missing.is_empty() {
        let problem = describe_missing(&manifest, &missing, rows.len());
        if !allow_partial {
            return Err(merge_error(
                out,
                format!("{problem}; add their folders, or pass --allow-partial"),
            ));
        }
        eprintln!("warning: {problem}; they are left out");
    }

    let table = SweepTable {
        keys: manifest.grid.iter().map(|axis| axis.key.clone()).collect(),
        columns: metric_columns(),
        rows,
    };
    std::fs::create_dir_all(out).map_err(|source| HeadlessError::io(out, source))?;
    let merged = Manifest {
        shard: None,
        runs: table.rows.iter().map(|row| row.index).collect(),
        ..manifest
    };
    write_outputs(out, &table, &merged)?;
    Ok(table)
}

/// Returns the indices of the sweep's runs that are missing from `rows`.
fn missing_runs(manifest: &Manifest, rows: &[SweepRow]) -> Vec<usize> {
    all_runs(&manifest.grid, manifest.seeds)
        .iter()
        .map(|run| run.index)
        .filter(|index| rows.iter().all(|row| row.index != *index))
        .collect()
}

/// Describes the missing runs: their count, the first few indices and, for
/// a sharded sweep, the shards they belong to.
fn describe_missing(manifest: &Manifest, missing: &[usize], merged: usize) -> String {
    const LISTED: usize = 8;
    let total = merged + missing.len();
    let mut listed: Vec<String> = missing.iter().take(LISTED).map(usize::to_string).collect();
    if missing.len() > LISTED {
        listed.push("...".to_string());
    }
    let mut problem = format!(
        "the folders contain {merged} of the {total} runs of the sweep; missing runs {}",
        listed.join(", ")
    );
    if let Some(count) = manifest.shard.map(|shard| shard.count) {
        let mut shards: Vec<usize> = missing.iter().map(|index| index % count).collect();
        shards.sort_unstable();
        shards.dedup();
        let names: Vec<String> = shards.iter().map(|i| format!("{i}/{count}")).collect();
        problem.push_str(&format!(" (from --shard {})", names.join(", ")));
    }
    problem
}

fn merge_error(folder: &Path, problem: String) -> SweepFailure {
    SweepFailure::Invalid(SweepError::Merge {
        folder: folder.display().to_string(),
        problem,
    })
}

fn read_manifest(folder: &Path) -> Result<Manifest, SweepFailure> {
    let path = folder.join("sweep.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|error| merge_error(folder, format!("cannot read sweep.json: {error}")))?;
    serde_json::from_str(&text)
        .map_err(|error| merge_error(folder, format!("invalid sweep.json: {error}")))
}

/// Rejects a folder whose sweep differs from the first folder's.
fn check_same_sweep(
    reference: &Manifest,
    manifest: &Manifest,
    folder: &Path,
) -> Result<(), SweepFailure> {
    let count = |m: &Manifest| m.shard.map(|shard| shard.count);
    let differences = [
        ("preset", reference.preset != manifest.preset),
        ("--set overrides", reference.overrides != manifest.overrides),
        ("grid", reference.grid != manifest.grid),
        ("seeds", reference.seeds != manifest.seeds),
        ("steps", reference.steps != manifest.steps),
        ("shard count", count(reference) != count(manifest)),
    ];
    match differences.iter().find(|(_, differs)| *differs) {
        Some((what, _)) => Err(merge_error(
            folder,
            format!("its {what} differs from the first folder's; merge only shards of one sweep"),
        )),
        None => Ok(()),
    }
}

/// Reads `sweep.csv` back into rows, taking the run indices from the
/// manifest (the rows are in the same order).
fn read_rows(folder: &Path, manifest: &Manifest) -> Result<Vec<SweepRow>, SweepFailure> {
    let path = folder.join("sweep.csv");
    let invalid = |problem: String| merge_error(folder, format!("invalid sweep.csv: {problem}"));
    let mut reader = csv::Reader::from_path(&path)
        .map_err(|error| merge_error(folder, format!("cannot read sweep.csv: {error}")))?;
    let keys = manifest.grid.len();
    let columns = metric_columns();
    let mut rows = Vec::new();
    for (record, index) in reader.records().zip(&manifest.runs) {
        let record = record.map_err(|error| invalid(error.to_string()))?;
        if record.len() != keys + 1 + columns.len() {
            return Err(invalid(format!("a row has {} columns", record.len())));
        }
        let seed = record[keys]
            .parse()
            .map_err(|_| invalid(format!("seed {:?} is not an integer", &record[keys])))?;
        let line = record.position().map_or(0, |position| position.line());
        let metrics = record
            .iter()
            .enumerate()
            .skip(keys + 1)
            .map(|(column, cell)| {
                cell.parse::<f64>().map_err(|_| {
                    invalid(format!(
                        "line {line}, column {} ({}): {cell:?} is not a number",
                        column + 1,
                        columns[column - keys - 1]
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        rows.push(SweepRow {
            index: *index,
            values: record.iter().take(keys).map(str::to_string).collect(),
            seed,
            metrics,
        });
    }
    if rows.len() != manifest.runs.len() {
        return Err(invalid(format!(
            "found {} rows, but sweep.json lists {} runs",
            rows.len(),
            manifest.runs.len()
        )));
    }
    Ok(rows)
}
