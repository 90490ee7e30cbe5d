//! Row types read by column position, declared together with the columns that fill them.
//!
//! `#[derive(FromRow)]` finds each field's column by name. sqlx keeps a row's names in a `HashMap`
//! with the standard library's SipHash, so every field of every row costs a hash and a lookup:
//! about a third of decoding a product card's row, and a listing decodes 24 of them on every
//! uncached page (callgrind). Read by position, a field is an index into the row.
//!
//! What keeps positions right is that they are never written twice: [`rows_by_position!`] makes
//! the struct, its column list (a `const` to put in the statement's `SELECT`) and its `FromRow`
//! from one list of `field: Type = "column expression"`. A statement that selects the list first
//! may add columns after it (a count, read by name by a row that flattens this one).

/// `a, b, c` from string literals, at compile time.
#[doc(hidden)]
#[macro_export]
macro_rules! comma_separated {
    ($first:literal $(, $rest:literal)*) => {
        concat!($first $(, ", ", $rest)*)
    };
}

/// A struct whose fields are read by position from the columns of `$columns`:
///
/// ```ignore
/// rows_by_position! {
///     /// A category as the header links to it.
///     struct CategoryRow { id: i64 = "id", name: String = "name" }
///     const CATEGORY_COLUMNS;
/// }
/// ```
#[macro_export]
macro_rules! rows_by_position {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $($field_vis:vis $field:ident: $ty:ty = $column:literal),+ $(,)?
        }
        $(#[$columns_meta:meta])*
        $columns_vis:vis const $columns:ident;
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $($field_vis $field: $ty),+
        }

        $(#[$columns_meta])*
        $columns_vis const $columns: &str = $crate::comma_separated!($($column),+);

        impl<'r, R: ::sqlx::Row> ::sqlx::FromRow<'r, R> for $name
        where
            usize: ::sqlx::ColumnIndex<R>,
            $($ty: ::sqlx::Decode<'r, R::Database> + ::sqlx::Type<R::Database>,)+
        {
            fn from_row(row: &'r R) -> ::sqlx::Result<Self> {
                let mut positions = 0usize..;
                Ok(Self {
                    $($field: row.try_get(positions.next().expect("a range with no end always has a next"))?,)+
                })
            }
        }
    };
}
pub use rows_by_position;

#[cfg(test)]
mod tests {
    use sqlx::sqlite::SqlitePoolOptions;

    rows_by_position! {
        #[derive(Debug, PartialEq)]
        struct Pair {
            number: i64 = "40 + 2",
            text: String = "'forty-two'",
        }
        const PAIR_COLUMNS;
    }

    #[test]
    fn the_column_list_is_the_expressions_in_order() {
        assert_eq!(PAIR_COLUMNS, "40 + 2, 'forty-two'");
    }

    #[tokio::test]
    async fn fields_are_read_in_the_order_of_their_columns() {
        let pool = SqlitePoolOptions::new().connect("sqlite::memory:").await.unwrap();
        let sql = format!("SELECT {PAIR_COLUMNS}, 7 AS extra");
        let pair: Pair = sqlx::query_as(&sql).fetch_one(&pool).await.unwrap();
        assert_eq!(pair, Pair { number: 42, text: "forty-two".to_owned() });
        // A column of the wrong type is an error, not a misread value.
        let swapped: sqlx::Result<Pair> = sqlx::query_as("SELECT 'forty-two', 42").fetch_one(&pool).await;
        assert!(swapped.is_err());
    }
}
