-- Mail bodies carry secrets (the confirmation link's token, email codes) while they wait for
-- delivery. They are now stored sealed with the secret ring (AES-GCM, as OTP keys are): sealed_body
-- under key_id, body left empty. Rows written before this migration keep their clear body and are
-- still delivered from it.
alter table mail_outbox add column sealed_body bytea;
alter table mail_outbox add column key_id text;
