-- Neovim as the client of `reclint server` (RECLINT names the binary):
-- attaches it to the current buffer, waits for its diagnostics, prints
-- them as "diagnostic CODE line N" and quits; exits 1 when none arrive.
local config = {
  name = "reclint",
  cmd = { os.getenv("RECLINT"), "server" },
  root_dir = vim.fn.getcwd(),
}
local client
if vim.lsp.start then
  client = vim.lsp.start(config)
else
  -- Neovim before 0.8.
  client = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(0, client)
end
local arrived = vim.wait(60000, function()
  return #vim.diagnostic.get(0) > 0
end, 50)
if not arrived then
  io.stderr:write("no diagnostics from reclint server\n")
  vim.cmd("cquit 1")
end
for _, d in ipairs(vim.diagnostic.get(0)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or "?"
  io.stdout:write(string.format("diagnostic %s line %d\n", code, d.lnum + 1))
end
vim.lsp.stop_client(client)
vim.cmd("qall!")
