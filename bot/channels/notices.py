"""What a channel says when the message never reaches the engine (transport conditions, not
dialogue): short, plain Vietnamese, each with what to do next."""

SLOW_DOWN = "Bạn gửi nhanh quá. Chờ một chút rồi hỏi tiếp nhé."
TOO_LONG = "Tin nhắn dài quá. Bạn hỏi ngắn gọn, một câu thôi nhé. Ví dụ: làm giấy khai sinh cần gì?"
ENGINE_ERROR = "Xin lỗi, máy đang gặp lỗi. Bạn gửi lại câu hỏi sau ít phút nhé."
VOICE_NOT_YET = ("Mình chưa nghe được tin nhắn thoại. Bạn gõ chữ giúp mình nhé, "
                 "có dấu hay không dấu đều được.")
NOT_TEXT = "Mình chỉ đọc được chữ. Bạn gõ câu hỏi giúp mình nhé. Ví dụ: làm giấy khai sinh cần gì?"
PRIVATE_ONLY = "Để giữ kín thông tin của bạn, hãy nhắn riêng cho mình nhé."
HEARD = "Bạn hỏi: «{text}»"
