/* Runs SQL on an in-memory database through Debian's libsqlite3.a and prints every row through
 * sqlite3_exec's callback. */
#include <stdio.h>

#include "sqlite3.h"

static int print_row(void *tag, int columns, char **values, char **names) {
  printf("%s:", (const char *)tag);
  for (int i = 0; i < columns; i++) printf(" %s=%s", names[i], values[i] ? values[i] : "NULL");
  printf("\n");
  return 0;
}

static int exec(sqlite3 *db, const char *tag, const char *sql) {
  char *err = NULL;
  int rc = sqlite3_exec(db, sql, print_row, (void *)tag, &err);
  if (rc != SQLITE_OK) {
    printf("%s: error %d: %s\n", tag, rc, err ? err : "?");
    sqlite3_free(err);
  }
  return rc;
}

int main(void) {
  sqlite3 *db;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
    printf("open failed\n");
    return 1;
  }
  printf("sqlite %s\n", sqlite3_libversion());
  exec(db, "create",
       "CREATE TABLE fruit(id INTEGER PRIMARY KEY, name TEXT NOT NULL, colour TEXT, price REAL, qty INTEGER);"
       "CREATE INDEX fruit_colour ON fruit(colour);");
  exec(db, "insert",
       "INSERT INTO fruit(name, colour, price, qty) VALUES"
       " ('apple', 'red', 0.5, 10), ('banana', 'yellow', 0.25, 24), ('cherry', 'red', 3.75, 2),"
       " ('lemon', 'yellow', 0.4, 7), ('lime', 'green', 0.35, 0), ('grape', 'green', 2.2, 5),"
       " ('kiwi', NULL, 0.6, 12);");
  printf("changes=%d last_rowid=%lld\n", sqlite3_changes(db), (long long)sqlite3_last_insert_rowid(db));
  exec(db, "ordered", "SELECT id, name, price FROM fruit ORDER BY price DESC, name;");
  exec(db, "aggregate",
       "SELECT count(*) AS n, sum(qty) AS total, round(avg(price), 4) AS mean, min(name) AS first,"
       " max(price) AS dearest, total(price * qty) AS value FROM fruit;");
  exec(db, "grouped",
       "SELECT coalesce(colour, '?') AS colour, count(*) AS n, group_concat(name, '+') AS names,"
       " printf('%.3f', sum(price * qty)) AS value FROM fruit GROUP BY colour HAVING n >= 1 ORDER BY n DESC, colour;");
  exec(db, "update", "UPDATE fruit SET qty = qty + 1 WHERE colour = 'red'; SELECT name, qty FROM fruit WHERE colour = 'red';");
  exec(db, "delete", "DELETE FROM fruit WHERE qty = 0; SELECT changes() AS deleted, count(*) AS left FROM fruit;");
  exec(db, "expr",
       "SELECT upper('sqlite') AS up, length('héllo') AS len, substr('abcdef', 2, 3) AS sub, 7 / 2 AS idiv,"
       " 7 / 2.0 AS fdiv, 1e300 * 1e10 AS inf, abs(-5) AS abs, typeof(3.0) AS t, hex('AZ') AS hex,"
       " cast('12abc' AS INTEGER) AS num, instr('hello', 'll') AS pos, replace('a-b-c', '-', '') AS rep;");
  exec(db, "cte",
       "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10)"
       " SELECT sum(x) AS s, group_concat(x * x, ',') AS squares FROM n;");
  exec(db, "join",
       "CREATE TABLE origin(colour TEXT, country TEXT);"
       "INSERT INTO origin VALUES ('red', 'France'), ('yellow', 'Spain'), ('green', 'Italy');"
       "SELECT f.name, o.country FROM fruit f LEFT JOIN origin o USING (colour) ORDER BY o.country NULLS FIRST, f.name;");
  exec(db, "window",
       "SELECT name, price, rank() OVER (ORDER BY price DESC) AS r FROM fruit ORDER BY r LIMIT 3;");
  exec(db, "bad", "SELECT * FROM missing_table;");
  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "SELECT name, price * ? FROM fruit WHERE price > ? ORDER BY name", -1, &stmt, NULL);
  sqlite3_bind_int(stmt, 1, 100);
  sqlite3_bind_double(stmt, 2, 0.45);
  while (sqlite3_step(stmt) == SQLITE_ROW)
    printf("prepared: %s %g\n", sqlite3_column_text(stmt, 0), sqlite3_column_double(stmt, 1));
  sqlite3_finalize(stmt);
  printf("close=%d\n", sqlite3_close(db));
  return 0;
}
