mod footer;
mod header;
mod landing_demo;
mod not_found;
mod sandbox;

pub use footer::Footer;
pub use header::Header;
pub use landing_demo::LandingDemo;
pub use not_found::NotFound;
pub use sandbox::Sandbox;
