//! Writing an export to a file: never through a link or over what is not a plain file, never
//! half a file, and (from the dashboard) never over an earlier export.

use std::io::Write;
use std::path::Path;

/// Refuses an `--output` path that is not a plain file or a new name: a symbolic link (whose
/// target would be replaced without anyone seeing where it points), a directory, or a pipe,
/// device or socket (which `rename` would silently replace). Called before any request, so a
/// refused path costs nothing; the message is advice.
pub fn check_output(path: &Path) -> Result<(), String> {
    let shown = path.display();
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot use --output {shown}: {e}")),
    };
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    Err(if kind.is_symlink() {
        format!(
            "--output {shown} is a symbolic link; topogy does not write through links. Give \
             the path the link points to, or remove the link first"
        )
    } else if kind.is_dir() {
        format!("--output {shown} is a directory; name a file inside it, e.g. {shown}/export.csv")
    } else {
        format!(
            "--output {shown} is not a regular file (a pipe, device or socket); to send the \
             export there, leave out --output and redirect standard output instead"
        )
    })
}

/// Writes `bytes` to `path` through a temporary file beside it (created exclusively under a
/// random name, so nothing planted there is followed or overwritten), then moves it into
/// place, so a failure never leaves half a file. Refuses what [`check_output`] refuses.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    check_output(path)?;
    let temp = staged(path, bytes)?;
    // A temporary file is removed when dropped, so an error here leaves nothing behind.
    temp.persist(path)
        .map(drop)
        .map_err(|e| failed(path, &e.error))
}

/// Writes `bytes` to a new file at `path`, or beside it as `name-2.ext`, `name-3.ext`… when
/// that name is taken, the same way as [`write_file`]: an export never replaces an earlier
/// one. Returns the path written.
pub fn write_new_file(path: &Path, bytes: &[u8]) -> Result<std::path::PathBuf, String> {
    let mut temp = staged(path, bytes)?;
    let stem = path
        .file_stem()
        .map_or_else(|| "export".into(), |n| n.to_string_lossy().into_owned());
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    for n in 1..=999 {
        let candidate = if n == 1 {
            path.to_owned()
        } else {
            path.with_file_name(format!("{stem}-{n}{ext}"))
        };
        match temp.persist_noclobber(&candidate) {
            Ok(_) => return Ok(candidate),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => temp = e.file,
            Err(e) => return Err(failed(&candidate, &e.error)),
        }
    }
    Err(format!(
        "{} and 998 numbered copies exist already; move some away",
        path.display()
    ))
}

fn failed(path: &Path, e: &std::io::Error) -> String {
    format!("could not write {}: {e}", path.display())
}

/// `bytes` in an exclusive, randomly named temporary file beside `path`, synced to disk.
fn staged(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "export".into(), |n| n.to_string_lossy().into_owned());
    let fail = |e: std::io::Error| failed(path, &e);
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".topogy-tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    temp.write_all(bytes).map_err(fail)?;
    temp.as_file().sync_all().map_err(fail)?;
    Ok(temp)
}
