mod footer;
mod header;
mod not_found;
mod sandbox;

pub use footer::Footer;
pub use header::Header;
pub use not_found::NotFound;
pub use sandbox::Sandbox;
