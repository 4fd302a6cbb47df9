/* Runs Lua 5.4 scripts through Debian's liblua5.4.a: the interpreter's library members are what
 * the test links lazily. Each script prints through Lua's print (lua_writestring → fwrite). */
#include <stdio.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

static const char *const scripts[] = {
    /* strings */
    "local s = 'Hello, Lua ' .. _VERSION:sub(5)\n"
    "print(s, #s, s:upper(), s:rep(2, '|'))\n"
    "print(('a,b,,c'):gsub(',', ';'), ('key=value'):match('(%w+)=(%w+)'))\n"
    "local words = {} for w in ('the quick brown fox'):gmatch('%a+') do words[#words + 1] = w:reverse() end\n"
    "print(table.concat(words, ' '), string.byte('A'), string.char(72, 105))\n",
    /* tables and sorting */
    "local t = {5, 3, 8, 1, 9, 2}\n"
    "table.sort(t) print(table.concat(t, ','))\n"
    "table.sort(t, function(a, b) return a > b end) print(table.concat(t, ','))\n"
    "local m = {apple = 3, pear = 7, fig = 1} local keys = {}\n"
    "for k in pairs(m) do keys[#keys + 1] = k end table.sort(keys)\n"
    "for _, k in ipairs(keys) do io.write(k, '=', m[k], ' ') end print()\n"
    "table.insert(t, 1, 100) print(#t, t[1], table.remove(t), select('#', table.unpack(t)))\n",
    /* closures and coroutines */
    "local function counter() local n = 0 return function() n = n + 1 return n end end\n"
    "local c1, c2 = counter(), counter() c1() c1()\n"
    "print('closures', c1(), c2())\n"
    "local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end\n"
    "print('fib(20)', fib(20))\n"
    "local co = coroutine.wrap(function(a) local b = coroutine.yield(a * 2) return a + b end)\n"
    "print('coroutine', co(10), co(5))\n",
    /* pcall and error */
    "print(pcall(function() error('boom') end))\n"
    "local ok2, t = pcall(function() error({code = 42}) end) print(ok2, type(t), t.code)\n"
    "local ok, e = pcall(function() return nil + 1 end) print(ok, e)\n"
    "print(select(2, pcall(error, setmetatable({}, {__tostring = function() return 'custom' end}))))\n"
    "print(xpcall(function() local x = {} return x.y.z end, function(m) return 'handled: ' .. m end))\n",
    /* string.format and math */
    "print(string.format('%g %g %g %g', 0.1, 1e20, 123456789, 2 ^ 0.5))\n"
    "print(string.format('%5.2f|%-6d|%x|%q|%s', math.pi, 42, 255, 'a\\nb', 1 / 3))\n"
    "print(math.floor(-3.5), math.ceil(-3.5), math.max(3, 9, 4), math.huge, -math.huge)\n"
    "print(math.sqrt(2), math.sin(1), math.exp(1), math.log(100, 10), math.fmod(7, 3))\n"
    "print(7 // 2, 7 % -3, 2 ^ 10, 10 / 4, 3 | 5, 6 & 3, 1 << 10, math.tointeger(8.0))\n"
    "print(tostring(1e300 * 1e10), tostring(0 / 0) == tostring(0 / 0), math.type(1), math.type(1.0))\n"
    "print(tonumber('0x1p4'), tonumber('  12  '), tonumber('z', 36), tonumber('1e2'))\n",
    /* an error that escapes the script: reported by the C side */
    "local t = setmetatable({}, {__index = function(_, k) return k .. '!' end})\n"
    "print(t.hi, rawget(t, 'hi'))\n"
    "error('script failed on purpose')\n",
};

int main(void) {
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  int failures = 0;
  for (unsigned i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
    printf("-- script %u\n", i + 1);
    fflush(stdout);
    if (luaL_dostring(L, scripts[i]) != LUA_OK) {
      printf("error: %s\n", lua_tostring(L, -1));
      lua_pop(L, 1);
      failures++;
    }
  }
  lua_getglobal(L, "collectgarbage");
  lua_pushstring(L, "count");
  lua_call(L, 1, 1);
  printf("gc count positive: %d\n", lua_tonumber(L, -1) > 0);
  lua_close(L);
  printf("failures: %d\n", failures);
  return failures;
}
