--[[
builtin.lua: the few Quarto conventions the built-in engine has to emulate.

- `content-visible` / `content-hidden` Divs with `when-format` /
  `unless-format` (Quarto semantics: "html" matches every html flavour,
  "typst" only typst; note that "pdf" does not match typst).
- Divs with class `quarto-only` are dropped: they hold what Quarto's own
  templates lack (cover details, banner) and the built-in templates draw
  themselves from the metadata.
]]

local function format_matches(name)
  if name == FORMAT then return true end
  if name == 'html' then return FORMAT:match('^html') ~= nil end
  return false
end

local function any_matches(value)
  if value == nil then return nil end
  for name in value:gmatch('[^,%s]+') do
    if format_matches(name) then return true end
  end
  return false
end

function Div(div)
  if div.classes:includes('quarto-only') then
    return {}
  end
  local visible = div.classes:includes('content-visible')
  local hidden = div.classes:includes('content-hidden')
  if not (visible or hidden) then return nil end
  local when = any_matches(div.attributes['when-format'])
  local unless = any_matches(div.attributes['unless-format'])
  local show
  if visible then
    show = (when == nil or when) and not (unless == true)
  else
    show = not ((when == nil or when) and not (unless == true))
  end
  if show then return div.content end
  return {}
end
