//! Atomic output files: each file is written to a temporary sibling and
//! renamed into place, so a reader never sees half a file.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written; [`AtomicFile::commit`] moves it into place.
pub struct AtomicFile {
    target: PathBuf,
    temporary: PathBuf,
    writer: BufWriter<File>,
}

impl AtomicFile {
    pub fn create(target: &Path) -> std::io::Result<Self> {
        let mut name = target.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".{}.tmp", std::process::id()));
        let temporary = target.with_file_name(name);
        let writer = BufWriter::new(File::create(&temporary)?);
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temporary,
            writer,
        })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.writer
    }

    /// Flushes, syncs and renames the file to its final name.
    pub fn commit(mut self) -> std::io::Result<()> {
        self.writer.flush()?;
        self.writer.get_ref().sync_all()?;
        fs::rename(&self.temporary, &self.target)?;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // After a successful commit the temporary name no longer exists, so
        // this only removes the leftovers of a failed write.
        let _ = fs::remove_file(&self.temporary);
    }
}

impl std::io::Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer().write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer().flush()
    }
}

/// Writes `contents` to `target` atomically.
pub fn write_atomic(target: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut file = AtomicFile::create(target)?;
    file.writer().write_all(contents)?;
    file.commit()
}

/// Flushes a CSV writer over an [`AtomicFile`] and moves the file into
/// place.
pub fn commit_csv(writer: csv::Writer<AtomicFile>) -> std::io::Result<()> {
    let file = writer.into_inner().map_err(|e| e.into_error())?;
    file.commit()
}
