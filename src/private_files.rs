//! Files and directories only their owner may read: the key file, the store, the log.
//!
//! Directories topogy creates get mode 0700 and files 0600 on Unix, whatever the umask; a
//! file that already exists is tightened to 0600 when topogy opens it. Elsewhere these are
//! plain creates.

use std::fs::OpenOptions;
use std::io;
use std::path::Path;

/// Creates `dir` and any missing parents, each new one readable only by the owner (existing
/// directories are left as they are).
pub fn create_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Options that create a file readable only by the owner (mode 0600).
pub fn file_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Makes sure `path` exists and only its owner can read it: created 0600 when missing,
/// tightened to 0600 when it was readable by others (a store or log from an older topogy).
pub fn ensure_file(path: &Path) -> io::Result<()> {
    let file = file_options().create(true).append(true).open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    drop(file);
    Ok(())
}
