//! `asyncvoter --version` names the git revision the binary was built from.

#[tokio::test]
async fn the_version_names_the_git_revision() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_asyncvoter"))
        .arg("--version")
        .output()
        .await
        .unwrap();
    assert!(output.status.success());
    let version = String::from_utf8(output.stdout).unwrap();
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .unwrap();
    let head = String::from_utf8(head.stdout).unwrap();
    assert_eq!(
        version.trim(),
        format!("asyncvoter {} ({})", env!("CARGO_PKG_VERSION"), head.trim())
    );
}
