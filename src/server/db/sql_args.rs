//! Query arguments collected while building dynamic SQL, bound later to either backend.

/// One bound value: the dynamic queries need text, integers and (an order's) times.
#[derive(Debug, Clone)]
pub enum SqlArg {
    Text(String),
    Int(i64),
    Time(chrono::DateTime<chrono::Utc>),
}

/// Collects arguments and hands out their `$N` placeholders in order.
#[derive(Debug, Default, Clone)]
pub struct SqlArgs(Vec<SqlArg>);

impl SqlArgs {
    /// Adds a value and returns its placeholder (`$1`, `$2`, ...).
    pub fn push(&mut self, arg: SqlArg) -> String {
        self.0.push(arg);
        format!("${}", self.0.len())
    }

    pub fn text(&mut self, value: impl Into<String>) -> String {
        self.push(SqlArg::Text(value.into()))
    }

    pub fn int(&mut self, value: i64) -> String {
        self.push(SqlArg::Int(value))
    }

    pub fn time(&mut self, value: chrono::DateTime<chrono::Utc>) -> String {
        self.push(SqlArg::Time(value))
    }

    /// Keeps the first `len` arguments: those of a statement that uses only the leading placeholders.
    pub fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }

    pub fn iter(&self) -> impl Iterator<Item = &SqlArg> {
        self.0.iter()
    }
}

/// Binds every argument of `$args` to a `sqlx::query*` builder, in order.
#[macro_export]
macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args.iter() {
            query = match arg {
                $crate::server::db::sql_args::SqlArg::Text(value) => query.bind(value.clone()),
                $crate::server::db::sql_args::SqlArg::Int(value) => query.bind(*value),
                $crate::server::db::sql_args::SqlArg::Time(value) => query.bind(*value),
            };
        }
        query
    }};
}
