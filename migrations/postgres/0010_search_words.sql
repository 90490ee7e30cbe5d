-- Every word the catalog's searchable texts hold, so a search word can be looked up as the whole
-- words it begins. A prefix in a tsquery (`walnut:*`) makes the GIN index gather every match of
-- it into a bitmap and sort it: with 100,000 products that was two thirds of a two-word search.
-- The same search as whole words (`walnut & (chair | chairs)`) reads the index's posting lists
-- directly, three times faster. SQLite's FTS5 reads a prefix from its term list and needs none of
-- this.
--
-- A word stays when the last product holding it changes or goes: it then finds nothing, as it
-- would as a prefix. Bytes order the words ("C"), so the words a prefix begins are one range.
-- Writes that skip triggers (a restore turns this one off and lists the words itself,
-- backup/load.rs; a replica applying changes with session_replication_role = replica) must fill
-- the list themselves, or a search misses their products' new words.
CREATE TABLE search_words (
    word  TEXT COLLATE "C" PRIMARY KEY
);

CREATE FUNCTION search_words_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- tsvector_to_array lists a product's words in order, so two products written at once take
    -- the same words' locks in the same order.
    INSERT INTO search_words (word) SELECT unnest(tsvector_to_array(NEW.search_vector))
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER search_words_follow AFTER INSERT OR UPDATE OF search_title, search_text ON products
    FOR EACH ROW EXECUTE FUNCTION search_words_follow();
-- After the trigger: creating it locks out other writers of products until this migration
-- commits, so a product another node writes is either read here or listed by the trigger.
INSERT INTO search_words (word) SELECT DISTINCT unnest(tsvector_to_array(search_vector)) FROM products;

-- The tsquery for a search's words (letters and digits, separated by spaces): every word required,
-- each as the whole words it begins, or as a prefix when it begins none (the query then finds what
-- it always found), more than 50, or is one letter long (a broad prefix's bitmap is cheaper than
-- reading dozens of long posting lists). The same products match as with
-- `to_tsquery('simple', 'w1:* & w2:*')`.
CREATE FUNCTION search_words_query(searched TEXT) RETURNS tsquery LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    -- PL/pgSQL keeps this statement's plan for the session; an SQL function would be parsed and
    -- planned again on every search.
    RETURN (
        SELECT string_agg(
            CASE WHEN begun.count BETWEEN 1 AND 50 AND length(prefix.text) > 1 THEN '(' || begun.alternatives || ')'
                 ELSE NULLIF(to_tsquery('simple', prefix.text || ':*')::text, '') END,
            ' & ')::tsquery
        FROM unnest(string_to_array(searched, ' ')) AS prefix (text)
        CROSS JOIN LATERAL (
            SELECT count(*) AS count, string_agg(quote_literal(begins.word), ' | ') AS alternatives
            FROM (SELECT sw.word FROM search_words sw
                  WHERE sw.word >= prefix.text AND sw.word < prefix.text || chr(1114111)
                  ORDER BY sw.word LIMIT 51) begins
        ) begun
    );
END
$$;
