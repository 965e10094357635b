//! Tells Cargo to rebuild when a migration is added or changed: `sqlx::migrate!` embeds the
//! `migrations` folder when the crate compiles, and Cargo does not otherwise watch that folder,
//! so a new migration would be missing from the binary until some Rust file changed.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
