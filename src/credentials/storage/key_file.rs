//! The owner-only key file: read only when nobody else could have read or planted it,
//! written with mode 0600 from its first byte.

use std::fmt;
use std::io::Write;
use std::path::Path;

use crate::credentials::ApiKey;

/// Why a key file is not used: permission bits for group or others, another owner, a
/// directory others can enter, or something that is not a plain file (a link, a pipe).
#[derive(Debug)]
pub(super) enum Insecure {
    Mode(u32),
    Owner(u32),
    DirMode(u32),
    NotAFile(&'static str),
}

impl fmt::Display for Insecure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Insecure::Mode(mode) => write!(f, "mode {mode:04o}"),
            Insecure::Owner(uid) => write!(f, "owned by user id {uid}"),
            Insecure::DirMode(mode) => write!(f, "in a directory of mode {mode:04o}"),
            Insecure::NotAFile(what) => write!(f, "{what}"),
        }
    }
}

impl std::error::Error for Insecure {}

/// Reads the key file after checking that it is a plain file (not a link, not a pipe that
/// would block the read) that only its owner can read, in a directory only its owner can
/// enter.
pub(super) fn read_key_file(path: &Path) -> std::io::Result<String> {
    let denied = |why| std::io::Error::new(std::io::ErrorKind::PermissionDenied, why);
    let kind = std::fs::symlink_metadata(path)?.file_type();
    if kind.is_symlink() {
        return Err(denied(Insecure::NotAFile("a symbolic link")));
    }
    if !kind.is_file() {
        return Err(denied(Insecure::NotAFile(if kind.is_dir() {
            "a directory"
        } else {
            "a pipe, device or socket"
        })));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Swapped for a link or a pipe since the check above: fail rather than follow or hang.
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        options.custom_flags(i32::try_from(flags.bits()).unwrap_or(0));
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(denied(Insecure::NotAFile("not a plain file")));
        }
        // A file someone else owns could have been planted with their key: never use it.
        if meta.uid() != rustix::process::geteuid().as_raw() {
            return Err(denied(Insecure::Owner(meta.uid())));
        }
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(denied(Insecure::Mode(mode)));
        }
        if let Some(dir) = path.parent() {
            // Followed if it is a link: what matters is who can enter the real directory.
            let dir_mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
            if dir_mode & 0o077 != 0 {
                return Err(denied(Insecure::DirMode(dir_mode)));
            }
        }
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut &file, &mut text)?;
    Ok(text)
}

/// Writes the key file with mode 0600 from the first byte (a temporary file renamed into
/// place), in a directory only the owner can enter.
pub(super) fn write_key_file(path: &Path, key: &ApiKey) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("the key file has no directory"))?;
    crate::private_files::create_dir(dir)?;
    let tmp = dir.join(format!(".key.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let mut options = crate::private_files::file_options();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        // The directory may predate topogy; the key is only read from an owner-only one.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let written = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(key.expose().as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_key_file_is_owner_only_and_a_readable_one_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let path = dir.path().join("p").join("key");
        let key = ApiKey::new("sk-ant-api01-file-test");
        write_key_file(&path, &key).unwrap_or_else(|e| panic!("write: {e}"));
        let mode = |p: &Path| {
            std::fs::metadata(p)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0)
        };
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap_or(&path)), 0o700);
        assert_eq!(
            read_key_file(&path).ok().as_deref(),
            Some("sk-ant-api01-file-test\n")
        );
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644));
        let refused = read_key_file(&path).err();
        let insecure = refused
            .as_ref()
            .and_then(|e| e.get_ref())
            .and_then(|e| e.downcast_ref::<Insecure>())
            .map(|i| match i {
                Insecure::Mode(m) => *m,
                _ => 0,
            });
        assert_eq!(insecure, Some(0o644));
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_owned_by_someone_else_is_refused() {
        use std::os::unix::fs::MetadataExt;
        if !rustix::process::geteuid().is_root() {
            eprintln!("SKIPPED: giving a file to another user needs root");
            return;
        }
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let path = dir.path().join("p").join("key");
        write_key_file(&path, &ApiKey::new("sk-ant-api01-planted"))
            .unwrap_or_else(|e| panic!("write: {e}"));
        std::os::unix::fs::chown(&path, Some(65534), None).unwrap_or_else(|e| panic!("chown: {e}"));
        assert_eq!(std::fs::metadata(&path).map(|m| m.uid()).ok(), Some(65534));
        let owner = read_key_file(&path).err().and_then(|e| {
            e.get_ref()
                .and_then(|e| e.downcast_ref::<Insecure>())
                .map(|i| i.to_string())
        });
        assert_eq!(owner.as_deref(), Some("owned by user id 65534"));
    }
}
