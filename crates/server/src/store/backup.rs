//! Copies of a SQLite database, and putting one back. A backup is `VACUUM INTO`: one
//! consistent snapshot of the live database, read while the server keeps writing (never a
//! file copy, which could catch a write half done). A restore is refused while a server
//! holds the database: `serve` keeps a shared lock on `DB.lock` for as long as it runs,
//! and a restore needs that lock alone. PostgreSQL has `pg_dump` and `pg_restore`.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, anyhow, bail, ensure};
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use super::{redact, sqlite_path};

/// Held by a running server over its SQLite database; a restore is refused meanwhile.
#[derive(Debug)]
pub struct ServingLock {
    _file: File,
}

/// The SQLite file a database URL names; PostgreSQL is pointed to its own tools.
fn database_file(url: &str) -> anyhow::Result<PathBuf> {
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        bail!(
            "{} is PostgreSQL: back it up with `pg_dump --format=custom --file=asyncvoter.dump \"$DATABASE_URL\"` \
             and restore with `pg_restore --clean --if-exists --dbname=\"$DATABASE_URL\" asyncvoter.dump` (see the README)",
            redact(url)
        );
    }
    ensure!(
        url.starts_with("sqlite:"),
        "unsupported database URL {}",
        redact(url)
    );
    sqlite_path(url)
        .map(Path::to_path_buf)
        .ok_or_else(|| anyhow!("an in-memory database has nothing to back up"))
}

/// Opens (or makes, readable by its owner only) a file that is written privately.
fn private(path: &Path, create_new: bool) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true);
    if create_new {
        options.create_new(true);
    } else {
        options.create(true).truncate(false);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn lock_file(database: &Path) -> anyhow::Result<File> {
    let path = PathBuf::from(format!("{}.lock", database.display()));
    private(&path, false).with_context(|| format!("cannot open {}", path.display()))
}

/// Takes the lock a server holds while it serves a SQLite database (several servers may
/// share it); `None` for PostgreSQL or a database in memory.
pub fn hold_while_serving(url: &str) -> anyhow::Result<Option<ServingLock>> {
    let Ok(database) = database_file(url) else {
        return Ok(None);
    };
    let file = lock_file(&database)?;
    file.try_lock_shared().map_err(|_| {
        anyhow!(
            "{} is being restored from a backup: start the server once that has finished",
            database.display()
        )
    })?;
    Ok(Some(ServingLock { _file: file }))
}

async fn connect(file: &Path) -> anyhow::Result<SqliteConnection> {
    let options = SqliteConnectOptions::new()
        .filename(file)
        .busy_timeout(Duration::from_secs(30));
    SqliteConnection::connect_with(&options)
        .await
        .with_context(|| format!("cannot open {}", file.display()))
}

/// Writes a consistent copy of the live database at `url` to the new file `to`, readable
/// by its owner only; its size in bytes.
pub async fn backup(url: &str, to: &Path) -> anyhow::Result<u64> {
    let database = database_file(url)?;
    ensure!(
        database.is_file(),
        "there is no database at {}: nothing to back up",
        database.display()
    );
    private(to, true).with_context(|| {
        format!(
            "cannot create {}: a backup goes to a new file and never overwrites one",
            to.display()
        )
    })?;
    let copied = async {
        let mut connection = connect(&database).await?;
        sqlx::query("VACUUM INTO ?")
            .bind(to.to_string_lossy().into_owned())
            .execute(&mut connection)
            .await
            .context("the copy failed")?;
        connection.close().await?;
        anyhow::Ok(std::fs::metadata(to)?.len())
    }
    .await;
    if copied.is_err() {
        let _ = std::fs::remove_file(to);
    }
    copied
}

/// Checks that `file` is a whole AsyncVoter database.
async fn check_backup(file: &Path) -> anyhow::Result<()> {
    let mut connection = connect(file).await?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut connection)
        .await
        .with_context(|| format!("{} is not a SQLite database", file.display()))?;
    ensure!(
        integrity == "ok",
        "{} is damaged: {integrity}",
        file.display()
    );
    sqlx::query("SELECT COUNT(*) FROM _sqlx_migrations")
        .execute(&mut connection)
        .await
        .with_context(|| format!("{} is not an AsyncVoter backup", file.display()))?;
    connection.close().await?;
    Ok(())
}

/// Puts the backup `from` in place of the database at `url`, unless a server holds it,
/// and migrates it; where the database it replaced was kept, if there was one.
pub async fn restore(url: &str, from: &Path) -> anyhow::Result<Option<PathBuf>> {
    let database = database_file(url)?;
    ensure!(from.is_file(), "there is no backup at {}", from.display());
    check_backup(from).await?;
    let lock = lock_file(&database)?;
    lock.try_lock().map_err(|_| {
        anyhow!(
            "a running server holds {}: stop it first (for example `systemctl stop asyncvoter`), then restore",
            database.display()
        )
    })?;
    let staged = PathBuf::from(format!("{}.restoring", database.display()));
    let _ = std::fs::remove_file(&staged);
    {
        let mut target = private(&staged, true)?;
        std::io::copy(&mut File::open(from)?, &mut target)?;
        target.sync_all()?;
    }
    let kept = if database.exists() {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let kept = PathBuf::from(format!("{}.before-restore-{stamp}", database.display()));
        std::fs::rename(&database, &kept)?;
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", database.display()));
            if side.exists() {
                std::fs::rename(&side, format!("{}{suffix}", kept.display()))?;
            }
        }
        Some(kept)
    } else {
        None
    };
    std::fs::rename(&staged, &database)?;
    // Migrated while still locked, so no server starts on it half way.
    super::open(url).await?;
    drop(lock);
    Ok(kept)
}
