//! A default build (no `sql`/`parquet` feature) says how to get the commands.

use std::process::Command;

use crate::support::BIN;

#[test]
fn sql_and_parquet_say_which_feature_to_build_with() {
    let run = |args: &[&str]| {
        Command::new(BIN).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap()
    };
    let o = run(&["sql", "--cluster", "df://localhost:50050", "SELECT 1", "corpus/sample"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--features cluster"));
    let o = run(&["cluster", "scheduler", "--bind", "127.0.0.1:0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--features cluster"));
    let o = run(&["sql", "SELECT 1", "corpus/sample"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--features sql"));
    if cfg!(not(feature = "parquet")) {
        let d = tempfile::tempdir().unwrap();
        let o = run(&["export", "--format", "parquet", "-o", d.path().to_str().unwrap(), "corpus/sample"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains("--features parquet"));
    }
}
