//! Stamps the binary with the git revision it was built from (`asyncvoter --version`,
//! the metrics' build info); `ASYNCVOTER_REVISION` names it where there is no git.

fn main() {
    println!("cargo:rerun-if-env-changed=ASYNCVOTER_REVISION");
    println!("cargo:rerun-if-changed=../../.git/HEAD");
    println!("cargo:rerun-if-changed=../../.git/refs/heads");
    let revision = std::env::var("ASYNCVOTER_REVISION")
        .ok()
        .filter(|r| !r.trim().is_empty())
        .or_else(|| {
            let output = std::process::Command::new("git")
                .args(["rev-parse", "--short=12", "HEAD"])
                .output()
                .ok()
                .filter(|o| o.status.success())?;
            Some(String::from_utf8_lossy(&output.stdout).trim().to_owned())
        })
        .unwrap_or_else(|| "unknown revision".to_owned());
    println!("cargo:rustc-env=ASYNCVOTER_REVISION={revision}");
}
