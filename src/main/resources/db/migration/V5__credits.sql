-- Usage credits (API.md section 9): a key may carry a balance that each VALID verification spends, refilled to
-- credits_refill_amount at the start of each UTC day or month. credits_refilled_at is the start of the period the
-- balance belongs to; the first use in a later period refills before it spends.
alter table api_key
    add column credits_remaining        bigint check (credits_remaining >= 0),
    add column credits_refill_amount    bigint check (credits_refill_amount > 0),
    add column credits_refill_interval  varchar(8) check (credits_refill_interval in ('day', 'month')),
    add column credits_refilled_at      timestamptz,
    add constraint api_key_credits_refill_whole check (
        (credits_refill_amount is null) = (credits_refill_interval is null)
        and (credits_refill_interval is null or (credits_remaining is not null and credits_refilled_at is not null)));

-- Refills waiting to be written to the audit log: a refill happens inside a verification (or the refill job),
-- which must not wait for the audit chain; the job moves these into audit events, durably.
create table credit_refill (
    id            bigserial    primary key,
    key_id        uuid         not null references api_key (id),
    workspace_id  uuid         not null references workspace (id),
    period_start  timestamptz  not null,
    previous      bigint       not null,
    amount        bigint       not null,
    refilled_at   timestamptz  not null default now()
);

-- Spends p_cost credits of a key, atomically (the row is locked): refills first if a new period has begun, then
-- spends if enough remain. spent = false (nothing spent) when fewer than p_cost remain, or none at all; remaining
-- is null for a key without credits. Used by every replica, so concurrent verifications never overspend. A key
-- that was rotated spends from its successor's balance (the balance moved there), so the old key's grace period
-- never doubles it.
create function keyplane_spend_credits(p_key uuid, p_cost bigint, out spent boolean, out remaining bigint)
language plpgsql as $$
declare
    k       record;
    target  uuid := p_key;
    next_id uuid;
    period  timestamptz;
    balance bigint;
begin
    for hop in 1..10 loop
        select replaced_by into next_id from api_key where id = target;
        exit when next_id is null;
        target := next_id;
    end loop;
    select id, workspace_id, credits_remaining, credits_refill_amount, credits_refill_interval, credits_refilled_at
      into k from api_key where id = target for update;
    if not found or k.credits_remaining is null then
        spent := true;
        remaining := null;
        return;
    end if;
    balance := k.credits_remaining;
    period := k.credits_refilled_at;
    if k.credits_refill_interval is not null
       and k.credits_refilled_at < date_trunc(k.credits_refill_interval, now(), 'UTC') then
        period := date_trunc(k.credits_refill_interval, now(), 'UTC');
        insert into credit_refill (key_id, workspace_id, period_start, previous, amount)
            values (k.id, k.workspace_id, period, balance, k.credits_refill_amount);
        balance := k.credits_refill_amount;
    end if;
    spent := balance > 0 and balance >= p_cost;
    if spent then
        balance := balance - p_cost;
    end if;
    if balance <> k.credits_remaining or period is distinct from k.credits_refilled_at then
        update api_key set credits_remaining = balance, credits_refilled_at = period where id = target;
    end if;
    remaining := balance;
end $$;
