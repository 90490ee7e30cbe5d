-- The language the shopper ordered in, so that the e-mails about the order (sent later, by the job
-- queue, far from the request) speak it. Orders placed before this knew none: English.
ALTER TABLE orders ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
