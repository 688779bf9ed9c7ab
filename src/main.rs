//! Mounts the dashboard.

fn main() {
    leptos::mount::mount_to_body(asyncvoter_dashboard::App);
}
