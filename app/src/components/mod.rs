mod footer;
mod header;
mod lesson_list;
mod lesson_page;
mod not_found;
mod sandbox;

pub use footer::Footer;
pub use header::Header;
pub use lesson_list::LessonList;
pub use lesson_page::LessonPage;
pub use not_found::NotFound;
pub use sandbox::Sandbox;
